"""/healthz for load balancers: 200 when the database answers, 503 (in Chinese) when not."""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("health check: database unavailable: %s", error)
        return JsonResponse({"status": "unavailable", "database": "数据库无法连接"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
