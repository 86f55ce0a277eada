bp

i-0123abcd
i-0123456789abcdef0
image-idami-0123abcd