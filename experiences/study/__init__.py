"""学习专题: study topics assigned to units, members' tasks, reports, exports and the dashboard."""
