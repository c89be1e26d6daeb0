"""jsfix: repairs the hermes-webui #1937 endless-scroll vs Start-jump race in forks."""

__version__ = "0.1.0"
