ap
ami-0123abcdg1.small 2	#!/bin/sh:

NamedbBabc