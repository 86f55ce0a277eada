ip

m1.huge@€€ ô