#!/bin/sh
# coopreview's entry point: the container image's ENTRYPOINT, and what the systemd units run.
#   entrypoint.sh migrate     apply migrations, then `check --deploy` (fails on any warning)
#   entrypoint.sh web         serve with gunicorn on $PORT (WEB_CONCURRENCY workers)
#   entrypoint.sh worker      run the background job worker
#   entrypoint.sh daily       loop: reminders and a backup into $BACKUP_DIR once a day, keeping $BACKUP_KEEP
#   entrypoint.sh <anything>  any coopreview command: backup -o FILE, restore FILE, createsuperuser, …
set -eu
COOPREVIEW=${COOPREVIEW:-"python -m coopreview"}
umask 077  # data files, uploads and backups are readable by this account only

case "${1:-web}" in
  migrate)
    $COOPREVIEW migrate --noinput
    exec $COOPREVIEW check --deploy --fail-level WARNING
    ;;
  web)
    exec $COOPREVIEW serve --host "${HOST:-0.0.0.0}" --port "${PORT:-8000}"
    ;;
  worker)
    exec $COOPREVIEW worker
    ;;
  daily)
    backups=${BACKUP_DIR:-/backups}
    while :; do
      $COOPREVIEW remind || echo "reminders failed" >&2
      $COOPREVIEW backup -o "$backups/coopreview-$(date -u +%Y%m%dT%H%M%SZ).tar.gz" || echo "backup failed" >&2
      # keep the newest $BACKUP_KEEP archives
      ls -1t "$backups"/coopreview-*.tar.gz 2>/dev/null | tail -n +"$(( ${BACKUP_KEEP:-14} + 1 ))" | xargs -r rm -f
      sleep "${DAILY_INTERVAL:-86400}"
    done
    ;;
  *)
    exec $COOPREVIEW "$@"
    ;;
esac
