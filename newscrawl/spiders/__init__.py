"""Spiders: one module per site, each a few lines on top of ``NewsSiteSpider``."""
