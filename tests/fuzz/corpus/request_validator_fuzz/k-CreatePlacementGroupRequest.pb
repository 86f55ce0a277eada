kp
dbcluster