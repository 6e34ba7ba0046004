// The installed action packages, imported together by one lazy import (installedActions.ts): one
// dynamic import rather than three keeps the bundle's chunks fewer.
export * as aws from '@firstline/actions-aws';
export * as net from '@firstline/actions-net';
export * as notifiers from '@firstline/notifiers';
