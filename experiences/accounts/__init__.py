"""Accounts: colleagues, their profiles, sign-up, and the rules that keep one from passing
for another (strict usernames, look-alike names refused, invisible characters dropped)."""
