"""What reflections and replies share in moderation: their states, who may moderate,
nobody reviewing their own, the hourly posting limit with its records, the pending
queue's lock and the publish and reject actions.

Sits below reflections and replies (it imports neither): each calls it with its own
model, and adds what is its own (the log's subject, the reply count, the author's
notice).
"""
