# Channel configuration models (mailboxes, WeChat accounts) arrive with their issues.
