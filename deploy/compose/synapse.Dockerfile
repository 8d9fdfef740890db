# Synapse with what Samsnakk needs inside it: synapse-http-antispam and the ID-porten mapper.
# Built from the repository root: docker compose -f deploy/compose/docker-compose.yaml build
FROM ghcr.io/element-hq/synapse:v1.163.2
RUN pip install --no-cache-dir synapse-http-antispam==0.5.1
COPY deploy/synapse/samsnakk_idporten.py /opt/samsnakk/synapse-modules/samsnakk_idporten.py
ENV PYTHONPATH=/opt/samsnakk/synapse-modules
# The named volume takes this directory's owner on first use; start.py runs Synapse as 991.
RUN mkdir -p /data && chown 991:991 /data
