#!/usr/bin/env bash
# Build the core Lambda layer (layers/core/build/python): the iotsphere package and the third-party
# packages the functions import, as Linux wheels for Lambda's Python 3.13 (manylinux_2_28, x86_64).
# boto3 is left out: the Lambda runtime has it. Then: .venv/bin/iotsphere package build/sam
set -euo pipefail
cd "$(dirname "$0")/.."
out=layers/core/build/python
rm -rf layers/core/build && mkdir -p "$out"
.venv/bin/pip install --disable-pip-version-check -q --target "$out" \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
  --python-version 3.13 --only-binary=:all: \
  -c constraints.txt pydantic pymongo influxdb aws-lambda-powertools pyyaml
.venv/bin/pip install --disable-pip-version-check -q --target "$out" --no-deps .
echo "layer in layers/core/build ($(du -sh layers/core/build | cut -f1))"
