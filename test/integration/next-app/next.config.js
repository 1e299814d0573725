/** The test copies this app into a temp directory whose node_modules link to the repository's. */
const config = {
  poweredByHeader: false,
  // Turbopack only reads files under its root; next and react are symlinks into the repository.
  turbopack: { root: process.env.BULWARK_NEXT_ROOT ?? process.cwd() },
};

export default config;
