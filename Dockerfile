FROM python:3.11-slim
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir -e '.[queue,opensearch]' gunicorn
ENV LANTERN_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 5000
# -c python:opac.gunicorn_conf: the master reads the librarians' files before forking workers,
# so a worker restarted while one is broken starts with the last good ones (issue 21).
# --limit-request-line: a GET of 200 ids fits (opac/server.py, REQUEST_LINE_BYTES).
CMD ["gunicorn", "-c", "python:opac.gunicorn_conf", "--bind", "0.0.0.0:5000", "--workers", "2", \
     "--threads", "4", "--limit-request-line", "8190", "opac.wsgi:app"]
