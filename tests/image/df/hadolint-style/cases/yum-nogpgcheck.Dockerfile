# source: Checkov CKV2_DOCKER_* (TLS verification)
# expect: DF-023
FROM rockylinux:9
RUN yum install -y --nogpgcheck httpd
