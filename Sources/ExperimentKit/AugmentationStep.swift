import EmotionCorpus

/// One entry of `augment:` as EmotionCorpus applies it: a field of `Augmentation.Configuration`.
///
/// EmotionCorpus runs the waveform steps in a fixed order (speed, time shift, gain, noise), then SpecAugment on
/// the features, whatever their order in the list; each type may therefore appear once.
public enum AugmentationStep: Sendable, Equatable {
    /// `noise`: additive noise at a random SNR.
    case noise(AdditiveNoise.Configuration)
    /// `gain`: a random gain in dB.
    case gain(RandomGain.Configuration)
    /// `time_shift`: a random circular or zero-filled shift.
    case timeShift(TimeShift.Configuration)
    /// `speed`: resampling by a random factor.
    case speed(SpeedPerturbation.Configuration)
    /// `spec_augment`: frequency and time masks on the features.
    case specAugment(SpecAugment.Configuration)

    /// The augmentation configuration with every step of `steps` switched on.
    public static func configuration(_ steps: [AugmentationStep]) -> Augmentation.Configuration {
        var configuration = Augmentation.Configuration()
        for step in steps {
            switch step {
            case .noise(let options): configuration.noise = options
            case .gain(let options): configuration.gain = options
            case .timeShift(let options): configuration.timeShift = options
            case .speed(let options): configuration.speed = options
            case .specAugment(let options): configuration.specAugment = options
            }
        }
        return configuration
    }
}

private let probabilityOption = OptionInfo.optional("probability", "float in [0, 1]", "Chance that a clip is augmented")

extension AdditiveNoise.Configuration: ComponentConfiguration {
    /// `snr_db`, `probability`.
    public static var options: [OptionInfo] {
        [.optional("snr_db", "[low, high] in dB", "Signal-to-noise ratio drawn uniformly from this range"), probabilityOption]
    }
}

extension RandomGain.Configuration: ComponentConfiguration {
    /// `gain_db`, `probability`.
    public static var options: [OptionInfo] {
        [.optional("gain_db", "[low, high] in dB", "Gain drawn uniformly from this range"), probabilityOption]
    }
}

extension TimeShift.Configuration: ComponentConfiguration {
    /// `max_shift`, `rollover`, `probability`.
    public static var options: [OptionInfo] {
        [.optional("max_shift", "float in [0, 1]", "Largest shift as a fraction of the clip"),
         .optional("rollover", "bool", "Wrap shifted samples around instead of zero-filling"), probabilityOption]
    }
}

extension SpeedPerturbation.Configuration: ComponentConfiguration {
    /// `factors`, `probability`.
    public static var options: [OptionInfo] {
        [.optional("factors", "list of float > 0", "Speed factors drawn from (Kaldi-style perturbation)"), probabilityOption]
    }
}

extension SpecAugment.Configuration: ComponentConfiguration {
    /// Mask counts and widths.
    public static var options: [OptionInfo] {
        [.optional("freq_masks", "int >= 0", "Frequency masks per example"),
         .optional("freq_mask_param", "int >= 0", "Largest frequency-mask width in features"),
         .optional("time_masks", "int >= 0", "Time masks per example"),
         .optional("time_mask_param", "int >= 0", "Largest time-mask width in frames"),
         .optional("mask_value", "float", "Value written into masked cells")]
    }
}
