pp
ami-0123abcd