"""The devtools app, so Django finds its management commands (see kb/devtools/__init__.py)."""

from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "kb.devtools"
    label = "devtools"
    verbose_name = "开发工具\uff08基准与故障演练\uff09"
