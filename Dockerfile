# cognito-emulator: a small image (distroless, non-root) listening on 0.0.0.0:9229, state under /data.
#
#   docker build -t cognito-emulator .
#   docker run -p 9229:9229 -v cognito-data:/data cognito-emulator
#
# CI builds the binary with exactly the command below (`cargo build --release --locked --bin
# cognito-emulator`); see the README for what is and is not verified without a Docker engine.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY schema schema
# Cargo.toml declares the load benchmark; its source must exist for the manifest to load.
COPY benches benches
RUN cargo build --release --locked --bin cognito-emulator \
 && mkdir -p /out/data/keys \
 && cp target/release/cognito-emulator /out/cognito-emulator

# glibc + libgcc, no shell, uid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/cognito-emulator /usr/local/bin/cognito-emulator
COPY --from=build --chown=65532:65532 /out/data /data
ENV COGNITO_EMULATOR_HOST=0.0.0.0 \
    COGNITO_EMULATOR_PORT=9229 \
    COGNITO_EMULATOR_DATA=/data \
    COGNITO_EMULATOR_KEYS=/data/keys
VOLUME ["/data"]
EXPOSE 9229
USER nonroot
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/cognito-emulator", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/cognito-emulator"]
