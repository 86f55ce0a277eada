fp

i-0123abcd