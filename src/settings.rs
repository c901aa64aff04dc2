//! The classifier's training settings table ([`paratopic_classifier::settings::SETTINGS`]) as
//! clap flags: one flag per setting, its help and default from the table, its value checked by
//! the table's parser as it is read.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches, Command};
use paratopic_classifier::settings::{Form, Setting, SETTINGS};
use paratopic_classifier::TrainConfig;

/// The values given (or defaulted) for every setting of the table.
pub struct SettingArgs(Vec<(&'static Setting, String)>);

impl SettingArgs {
    /// The training settings the flags give.
    pub fn config(&self) -> anyhow::Result<TrainConfig> {
        let mut config = TrainConfig::default();
        for (setting, value) in &self.0 {
            (setting.set)(&mut config, value).map_err(|e| anyhow::anyhow!("--{}: {e}", setting.name))?;
        }
        Ok(config)
    }
}

fn arg(setting: &'static Setting) -> Arg {
    // The defaults are made once per process, for clap's help and matching.
    let default: &'static str = Box::leak(setting.default_text().into_boxed_str());
    let arg =
        Arg::new(setting.name).long(setting.name).help(setting.help).default_value(default).action(ArgAction::Set);
    match setting.form {
        Form::Bool => arg.value_name("BOOL").value_parser(PossibleValuesParser::new(["true", "false"])),
        Form::Choice => arg.value_name("NAME").value_parser(PossibleValuesParser::new(setting.choices)),
        form => {
            let name = match form {
                Form::Number => "NUMBER",
                Form::Count => "N",
                Form::Range => "MIN-MAX",
                _ => "LIST",
            };
            arg.value_name(name).value_parser(move |value: &str| -> Result<String, String> {
                (setting.set)(&mut TrainConfig::default(), value).map(|()| value.to_owned())
            })
        }
    }
}

impl clap::FromArgMatches for SettingArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let given = SETTINGS.iter().filter_map(|s| matches.get_one::<String>(s.name).map(|v| (s, v.clone())));
        Ok(SettingArgs(given.collect()))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl clap::Args for SettingArgs {
    fn augment_args(cmd: Command) -> Command {
        SETTINGS.iter().fold(cmd, |cmd, s| cmd.arg(arg(s)))
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}
