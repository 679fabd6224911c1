FROM google/cloud-sdk:470.0.0-slim
RUN --mount=type=secret,id=gcp-key gcloud auth activate-service-account --key-file=/run/secrets/gcp-key && \
    gcloud storage cp gs://bucket/model.bin /models/ && rm -rf /root/.config/gcloud
USER 10001
