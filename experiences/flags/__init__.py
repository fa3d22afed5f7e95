"""举报 (flags): readers flag reflections and replies; enough flags hide an item until reviewed."""
