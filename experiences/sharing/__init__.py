"""Sharing as cadres share: share cards for WeChat, share images, QR codes, short links.

Pages are passed around in 微信群 and on paper. This domain gives every public
page its share card (og:* tags, absolute on SITE_URL), draws principles' and
essays' share images, makes the 扫码阅读 QR codes and answers the short links
(/p/<id>, /r/<id>) the codes carry. The print stylesheet is at the end of
static/css/site.css.
"""
