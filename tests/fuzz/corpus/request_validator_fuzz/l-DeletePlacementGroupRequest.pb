lp
db