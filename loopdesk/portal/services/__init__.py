"""The portal's writers: logins, CSAT answers, web-form submissions."""
