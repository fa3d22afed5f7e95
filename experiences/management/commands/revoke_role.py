"""python manage.py revoke_role USER 版主|编辑|组织员 [--by USERNAME]

Takes a role away as the admin's 撤销角色 does (units/roles.py): the group,
and is_staff once no role is left.
"""

from django.core.management.base import BaseCommand, CommandError

from experiences.management.role_args import actor_find, user_find
from experiences.units.roles import RoleError, role_revoke


class Command(BaseCommand):
    help = (
        "撤销角色\uff08版主、编辑、组织员\uff09\uff1a移除用户组\uff0c"
        "没有其他角色时同时收回管理后台权限\u3002"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("role", help="版主、编辑或组织员")
        parser.add_argument("--by", help="记在操作记录里的操作人\uff08用户名\uff09")

    def handle(self, *args, username, role, by, **options):
        user = user_find(username)
        try:
            change = role_revoke(user=user, role=role, actor=actor_find(by))
        except RoleError as error:
            raise CommandError(str(error)) from error
        if change.changed:
            self.stdout.write(self.style.SUCCESS(f"{user.username}\uff1a{change.message}"))
        else:
            self.stdout.write(f"{user.username} 没有角色 {role}\uff0c没有改动\u3002")
