// Loaded with --import into the trainer that the fake utilityProcess forks: gives it the
// process.parentPort an Electron utility process has (messages arrive as { data }), carried over Node's
// IPC channel. So the trainer takes its Electron code path (src-main/trainer/channel.ts) in the tests.
process.parentPort = {
  on(event, listener) {
    if (event === 'message') process.on('message', (data) => listener({ data, ports: [] }));
  },
  postMessage(message) {
    process.send(message);
  },
};
