op

i-0123abcd