"""Password rules with Chinese messages.

Django 5.2 reworded the minimum-length message and its Chinese catalogue has not
caught up, so sign-up showed "This password is too short..." in English.
"""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return _("密码太短\uff1a至少要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少 %(min_length)d 个字符。") % {"min_length": self.min_length}
