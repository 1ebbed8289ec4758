"""newswire: crawl news sites, extract articles, index them — through Kafka."""

__version__ = "0.1.0"
