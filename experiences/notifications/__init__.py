"""Notifications (通知): telling colleagues what became of what they wrote, on site and by mail."""
