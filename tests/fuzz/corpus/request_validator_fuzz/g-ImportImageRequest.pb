gp
tiny/srv/tiny.raw