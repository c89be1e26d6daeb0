"""What a run hands over: unified diffs, git-am patches, the Markdown summary."""
