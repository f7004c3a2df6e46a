//! `cargo xtask bench` flags: every count of the run, with the targets as defaults.

use anyhow::{Context, Result, bail};

/// A process may hold 20,000 open files here; this leaves room for its own pools and logs.
pub const SOCKETS_PER_PROCESS: usize = 19_000;

#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Idle visitor sockets, spread evenly over the nodes.
    pub visitors: usize,
    /// `livedesk serve` processes (at least two: messages cross from one to another).
    pub nodes: usize,
    /// Agent sockets for the message run, on the second node.
    pub agents: usize,
    /// Visitors sending in the message run, on the first node.
    pub senders: usize,
    /// Messages a second in the message run, all senders together.
    pub rate: f64,
    /// Seconds the message run sends for.
    pub duration: u64,
    /// Seconds the idle sockets are held before memory is read (past a server ping).
    pub hold: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            visitors: 50_000,
            nodes: 3,
            agents: 8,
            senders: 400,
            rate: 2000.0,
            duration: 30,
            hold: 30,
        }
    }
}

pub const FLAGS: &str = "\
  bench [--visitors N] [--nodes N] [--agents N] [--senders N] [--rate N] [--duration S] [--hold S]
                         build in release, start PostgreSQL, Redis and N nodes, hold N idle
                         visitor sockets (default 50000 over 3 nodes), then send --rate
                         messages/s (default 2000) for --duration s (default 30) from
                         --senders visitors on node 1 to --agents agents on node 2 (and
                         again at half the rate); writes the figures to docs/benchmarks.md";

impl Options {
    pub fn parse(args: &[String]) -> Result<Self> {
        let mut options = Self::default();
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let value = args
                .next()
                .with_context(|| format!("{flag} needs a value\n\n{FLAGS}"))?;
            let number = || -> Result<usize> {
                value
                    .parse()
                    .with_context(|| format!("{flag} {value:?}: not a whole number"))
            };
            match flag.as_str() {
                "--visitors" => options.visitors = number()?,
                "--nodes" => options.nodes = number()?,
                "--agents" => options.agents = number()?,
                "--senders" => options.senders = number()?,
                "--rate" => options.rate = number()? as f64,
                "--duration" => options.duration = number()? as u64,
                "--hold" => options.hold = number()? as u64,
                _ => bail!("unknown flag {flag}\n\n{FLAGS}"),
            }
        }
        options.check()?;
        Ok(options)
    }

    fn check(&self) -> Result<()> {
        if self.nodes < 2 {
            bail!("--nodes must be at least 2: messages are timed from one node to another");
        }
        if self.agents == 0 || self.senders == 0 || self.rate <= 0.0 || self.duration == 0 {
            bail!("--agents, --senders, --rate and --duration must be above zero");
        }
        let per_node = self.visitors_per_node();
        if per_node > SOCKETS_PER_PROCESS {
            let needed = self.visitors.div_ceil(SOCKETS_PER_PROCESS);
            bail!(
                "{} visitors over {} nodes is {per_node} sockets a node; a process holds at \
                 most {SOCKETS_PER_PROCESS} (20,000 open files): use --nodes {needed}",
                self.visitors,
                self.nodes
            );
        }
        Ok(())
    }

    /// The most visitors any one node (and its load generator) holds.
    pub fn visitors_per_node(&self) -> usize {
        self.visitors.div_ceil(self.nodes)
    }

    /// Visitors for node `index` (0-based): an even split, the remainder on the first ones.
    pub fn visitors_on(&self, index: usize) -> usize {
        self.visitors / self.nodes + usize::from(index < self.visitors % self.nodes)
    }

    /// The flags as given, for the report's command line.
    pub fn command_line(args: &[String]) -> String {
        std::iter::once("cargo xtask bench")
            .chain(args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn flags_override_the_defaults() -> Result<()> {
        let options = Options::parse(&args("--visitors 1000 --rate 500 --duration 5"))?;

        assert_eq!(
            options,
            Options {
                visitors: 1000,
                rate: 500.0,
                duration: 5,
                ..Options::default()
            }
        );
        Ok(())
    }

    #[test]
    fn more_sockets_than_a_process_holds_asks_for_more_nodes() {
        let error = Options::parse(&args("--visitors 50000 --nodes 2")).expect_err("too many");

        assert!(error.to_string().contains("--nodes 3"), "{error}");
    }

    #[test]
    fn visitors_split_evenly_with_the_remainder_first() -> Result<()> {
        let options = Options::parse(&args("--visitors 10 --nodes 3"))?;

        let split: Vec<_> = (0..3).map(|i| options.visitors_on(i)).collect();

        assert_eq!(split, [4, 3, 3]);
        Ok(())
    }

    #[test]
    fn bad_flags_are_refused() {
        for bad in [
            "--visitors",
            "--visitors many",
            "--nodes 1",
            "--rate 0",
            "--speed 3",
        ] {
            assert!(Options::parse(&args(bad)).is_err(), "{bad}");
        }
    }
}
