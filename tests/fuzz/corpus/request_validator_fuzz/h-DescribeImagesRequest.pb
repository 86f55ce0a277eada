hp
state	available