// Run a Pulumi CLI command on a compiled Node.js program through the SDK's own language server,
// the way @pulumi/pulumi's Automation API runs an inline program (tests/engine/langhost.py does
// the same for Python programs): this process serves the program's LanguageServer and passes
// its address to the CLI with --client. The Node.js language host is a Go module the Go module
// proxy here does not serve. Usage:
//
//     node langhost.js PULUMI_CLI PROGRAM_DIR -- ARGS...
//
// The program is the compiled entry point its package.json names ("main"); its exports are the
// stack's outputs. Commands that run no program are passed through unchanged.
"use strict";

const path = require("path");
const { spawn } = require("child_process");

const RUNS_PROGRAM = new Set(["preview", "pre", "up", "update", "refresh", "destroy", "down"]);

function run(cli, args, programDir) {
    return new Promise((resolve) => {
        const child = spawn(cli, args, { cwd: programDir, stdio: "inherit" });
        child.on("exit", (code, signal) => resolve(code === null ? 128 + (signal ? 1 : 0) : code));
    });
}

async function main(argv) {
    if (argv.length < 3 || argv[2] !== "--") {
        process.stderr.write("usage: node langhost.js PULUMI_CLI PROGRAM_DIR -- ARGS...\n");
        return 2;
    }
    const [cli, dir] = argv;
    const args = argv.slice(3);
    const programDir = path.resolve(dir);
    if (args.length === 0 || !RUNS_PROGRAM.has(args[0])) {
        return run(cli, args, programDir);
    }
    // The program's own @pulumi/pulumi: the language server and the program share one runtime.
    const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [programDir] }));
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdk] }));
    const { LanguageServer } = require(path.join(sdk, "automation", "server"));
    const langrpc = require(path.join(sdk, "proto", "language_grpc_pb"));
    const { grpcChannelOptions } = require(path.join(sdk, "runtime", "settings"));

    const main = require(path.join(programDir, "package.json")).main || "index.js";
    const entry = path.resolve(programDir, main);
    // The engine runs the program once per pass (`up` previews, then updates), so its modules
    // are loaded afresh each time, as an inline program's function is called afresh; the SDKs
    // (node_modules, sdks/) stay loaded.
    const kept = [path.join(programDir, "sdks") + path.sep, path.join(programDir, "node_modules")];
    const own = (file) =>
        file.startsWith(path.dirname(entry) + path.sep) &&
        !file.includes(`${path.sep}node_modules${path.sep}`) &&
        !kept.some((folder) => file.startsWith(folder));
    const program = async () => {
        process.chdir(programDir);
        for (const file of Object.keys(require.cache).filter(own)) {
            delete require.cache[file];
        }
        return require(entry);
    };
    const server = new grpc.Server({ ...grpcChannelOptions });
    const languageServer = new LanguageServer(program);
    server.addService(langrpc.LanguageRuntimeService, languageServer);
    const port = await new Promise((resolve, reject) => {
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
            err ? reject(err) : resolve(p),
        );
    });
    try {
        return await run(cli, [...args, `--client=127.0.0.1:${port}`], programDir);
    } finally {
        server.forceShutdown();
    }
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
        process.stderr.write(`langhost.js: ${err && err.stack ? err.stack : err}\n`);
        process.exit(1);
    },
);
