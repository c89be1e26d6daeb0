"""Running over files: choosing them, one file start to end, many at once, suites beside fixes, writing safely."""
