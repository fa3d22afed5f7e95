"""Units (单位): the organisation tree 县 → 乡镇 → 村/社区 that study topics target."""
