ep

i-0123abcd