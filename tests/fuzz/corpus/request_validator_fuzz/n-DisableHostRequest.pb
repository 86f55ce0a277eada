np
h-1