dp

i-0123abcd