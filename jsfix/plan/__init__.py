"""The pure plan: find the two functions, read what they hold, and plan the parts of the fix they lack. No I/O."""
