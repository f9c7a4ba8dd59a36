"""The portal's pages, one router per job: log-in, delivering, history, reports, guidance, operator."""
