"""Units (单位): the organisation tree 县 → 乡镇 → 村/社区 that study topics target, the scope
rule (who manages which subtree), roles (版主, 编辑, 组织员) and the user admin."""
