cp

i-0123abcd