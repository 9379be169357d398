# One image for every process of docker-compose.yml: back office, public, Celery worker and beat.
FROM python:3.11-slim

# The code runs from /app (PYTHONPATH), so BASE_DIR is /app and templates/ and locale/ are found;
# `pip install .` brings the dependencies. Data lives in volumes under /srv.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    VAR_DIR=/srv/var \
    STATIC_ROOT=/app/static \
    MEDIA_ROOT=/srv/media \
    PUBLISH_ROOT=/srv/publish

WORKDIR /app
COPY . .
RUN pip install .
# Static files are part of the image; the throwaway key only lets the settings load.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v 0

RUN useradd --system --uid 1000 --home-dir /app govplatform \
    && mkdir -p /srv/var /srv/media /srv/publish \
    && chown govplatform /srv/var /srv/media /srv/publish
USER govplatform

EXPOSE 8000
CMD ["gunicorn", "govplatform.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
