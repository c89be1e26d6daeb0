"""Reading JavaScript: a file's bytes to text, the fast scanner, esprima's syntax tree, the previews' syntax screen."""
