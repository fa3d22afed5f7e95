"""python manage.py grant_role USER 版主|编辑|组织员 [--unit CODE] [--by USERNAME]

Gives a colleague a role as the admin's 授予角色 does (units/roles.py): the
group, is_staff and, for an organiser, the unit whose subtree they manage.
"""

from django.core.management.base import BaseCommand, CommandError

from experiences.management.role_args import actor_find, unit_find, user_find
from experiences.units.roles import RoleError, role_grant


class Command(BaseCommand):
    help = (
        "授予角色\uff08版主、编辑、组织员\uff09\uff1a同时设置用户组、管理后台权限和所属单位\u3002"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("role", help="版主、编辑或组织员")
        parser.add_argument("--unit", help="单位编码\uff08组织员必填\uff0c除非已有所属单位\uff09")
        parser.add_argument("--by", help="记在操作记录里的操作人\uff08用户名\uff09")

    def handle(self, *args, username, role, unit, by, **options):
        user = user_find(username)
        found_unit = unit_find(unit) if unit else None
        try:
            change = role_grant(user=user, role=role, unit=found_unit, actor=actor_find(by))
        except RoleError as error:
            raise CommandError(str(error)) from error
        if change.changed:
            self.stdout.write(self.style.SUCCESS(f"{user.username}\uff1a{change.message}"))
        else:
            self.stdout.write(f"{user.username} 已有角色 {role}\uff0c没有改动\u3002")
