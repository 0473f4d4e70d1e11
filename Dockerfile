FROM python:3.11-slim
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir -e '.[queue,opensearch]' gunicorn
ENV LANTERN_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 5000
CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "--threads", "4", \
     "--limit-request-line", "8190", "opac.wsgi:app"]
