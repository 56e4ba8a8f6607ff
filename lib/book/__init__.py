"""The book's machinery, apart from its science: turning chapters into a site, checking it."""
