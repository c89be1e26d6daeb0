"""Helpers that every generated test module carries, copied in verbatim.

Each file here is ordinary Python so that it can be linted and unit-tested in
this repository. The generator copies their functions, classes and private
constants into the module it writes; their public UPPER_CASE names
(`SESSIONS_JS`, `NODE`...) are placeholders that the generated module defines
for its fork.
"""
